from django.urls import path

from relations import views

app_name = "relations"

urlpatterns = [
    path("", views.my_network, name="my_network"),
    path("my/relationships/", views.my_relationships, name="my_relationships"),
    path("my/followups/", views.followup_list, name="followup_list"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/typeahead/", views.contact_typeahead, name="contact_typeahead"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/chip/", views.contact_chip, name="contact_chip"),
    path("contacts/<int:pk>/affiliations/add/", views.affiliation_add, name="affiliation_add"),
    path("affiliations/<int:pk>/remove/", views.affiliation_remove, name="affiliation_remove"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path(
        "organisations/typeahead/",
        views.organisation_typeahead,
        name="organisation_typeahead",
    ),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("meetings/new/", views.meeting_log, name="meeting_log"),
    path("meetings/<int:pk>/", views.interaction_detail, name="interaction_detail"),
    path("meetings/<int:pk>/edit/", views.interaction_edit, name="interaction_edit"),
    path("followups/<int:pk>/done/", views.followup_done, name="followup_done"),
    path("account/", views.account, name="account"),
]
