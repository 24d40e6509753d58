"""Downloads of the export half; included by transfer/urls.py (namespace "transfer")."""

from django.urls import path

from transfer import export_views

urlpatterns = [
    path("export/contacts.csv", export_views.contacts_export_csv, name="contacts_export_csv"),
    path("export/contacts.xlsx", export_views.contacts_export_xlsx, name="contacts_export_xlsx"),
    path("export/contacts.vcf", export_views.contacts_export_vcf, name="contacts_export_vcf"),
    path("export/contacts/<int:pk>.vcf", export_views.contact_vcard, name="contact_vcard"),
    path(
        "export/stakeholder-groups.csv",
        export_views.groups_export_csv,
        name="groups_export_csv",
    ),
]
