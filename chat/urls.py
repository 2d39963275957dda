from django.urls import path

from . import views

urlpatterns = [
    path("", views.channel_list, name="chat-channel-list"),
    path("add/", views.channel_add, name="chat-channel-add"),
    path("<int:pk>/edit/", views.channel_edit, name="chat-channel-edit"),
    path("<int:pk>/delete/", views.channel_delete, name="chat-channel-delete"),
    path("<int:pk>/test/", views.channel_test, name="chat-channel-test"),
]
