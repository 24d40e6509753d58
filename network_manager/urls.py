from django.urls import path

from network_manager.views import dashboard, planning

app_name = "network_manager"

urlpatterns = [
    # The dashboard and the lists behind its figures (views/dashboard.py).
    path("", dashboard.dashboard, name="dashboard"),
    path("relationships/", dashboard.relationships, name="relationships"),
    path("key-contacts/", dashboard.key_contacts, name="key_contacts"),
    path("overdue/", dashboard.overdue_followups, name="overdue_followups"),
    path("who-knows-whom/", dashboard.who_knows_whom, name="who_knows_whom"),
    # Strategy, roadmap, teams and assignments (views/planning.py).
    path("strategy/", planning.strategy, name="strategy"),
    path("strategy/edit/", planning.strategy_edit, name="strategy_edit"),
    path("strategy/goals/new/", planning.goal_add, name="goal_add"),
    path("strategy/goals/<int:pk>/edit/", planning.goal_edit, name="goal_edit"),
    path("strategy/goals/<int:pk>/delete/", planning.goal_delete, name="goal_delete"),
    path("roadmap/", planning.roadmap, name="roadmap"),
    path("roadmap/new/", planning.step_add, name="step_add"),
    path("roadmap/<int:pk>/edit/", planning.step_edit, name="step_edit"),
    path("roadmap/<int:pk>/delete/", planning.step_delete, name="step_delete"),
    path("teams/", planning.team_list, name="team_list"),
    path("teams/new/", planning.team_create, name="team_create"),
    path("teams/<int:pk>/", planning.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", planning.team_edit, name="team_edit"),
    path("groups/<int:pk>/assign/", planning.group_assign, name="group_assign"),
    path("contacts/<int:pk>/key/", planning.key_contact_edit, name="key_contact_edit"),
    path("key-contacts/<int:pk>/remove/", planning.key_contact_remove, name="key_contact_remove"),
]
