from django.urls import path

from relations import views

app_name = "relations"

urlpatterns = [
    path("", views.my_network, name="my_network"),
]
