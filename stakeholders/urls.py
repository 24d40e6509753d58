from django.urls import path

from stakeholders import views

app_name = "stakeholders"

urlpatterns = [
    path("", views.group_list, name="group_list"),
    path("grid/", views.grid, name="grid"),
    path("new/", views.group_create, name="group_create"),
    path("people/typeahead/", views.member_typeahead, name="member_typeahead"),
    path("<int:pk>/", views.group_detail, name="group_detail"),
    path("<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("<int:pk>/delete/", views.group_delete, name="group_delete"),
    path("<int:pk>/members/people/add/", views.contact_member_add, name="contact_member_add"),
    path(
        "<int:pk>/members/organisations/add/",
        views.organisation_member_add,
        name="organisation_member_add",
    ),
    path(
        "members/<slug:kind>/<int:pk>/change/",
        views.membership_change,
        name="membership_change",
    ),
    path(
        "members/<slug:kind>/<int:pk>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("<int:pk>/goals/add/", views.goal_add, name="goal_add"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/remove/", views.goal_remove, name="goal_remove"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/new/", views.topic_create, name="topic_create"),
    path("topics/<int:pk>/", views.topic_detail, name="topic_detail"),
    path("networks/", views.network_list, name="network_list"),
    path("networks/<int:pk>/", views.network_detail, name="network_detail"),
]
