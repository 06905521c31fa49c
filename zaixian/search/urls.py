from django.urls import URLPattern, URLResolver, path

from zaixian.search import views

app_name = "search"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.search_view, name="results"),
]
