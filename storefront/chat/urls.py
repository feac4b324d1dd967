from django.urls import path

from storefront.chat import views

app_name = "chat"

urlpatterns = [
    # The customer: a visitor (tied by its session) or a signed-in contact.
    path("", views.chat_start, name="start"),
    path("<int:pk>/", views.conversation_detail, name="conversation"),
    path("<int:pk>/messages/", views.messages_poll, name="messages"),
    path("<int:pk>/send/", views.message_post, name="message-post"),
    path("<int:pk>/end/", views.conversation_end, name="end"),
    # The support console: distributor staff.
    path("console/", views.console, name="console"),
    path("console/<int:pk>/", views.console_detail, name="console-conversation"),
    path("console/<int:pk>/messages/", views.console_messages_poll, name="console-messages"),
    path("console/<int:pk>/send/", views.console_message_post, name="console-message-post"),
    path("console/<int:pk>/close/", views.console_close, name="console-close"),
]
