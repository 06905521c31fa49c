"""The public side of the hotline under /hdjl/ (互动交流)."""

app_name = "hotline"

urlpatterns: list = []
