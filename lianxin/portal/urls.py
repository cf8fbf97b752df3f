from django.urls import path, register_converter

from . import citizen, field, offline, public, views


class QRFormat:
    regex = "svg|png"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class QRKind(QRFormat):
    regex = "station|deputy"


register_converter(QRFormat, "qrfmt")
register_converter(QRKind, "qrkind")

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("town/", views.town, name="town"),
    path("county/", views.county, name="county"),
    path("county/town/", views.county_town, name="county_pick"),
    path("county/<str:code>/", views.county_town, name="county_town"),
    path("favicon.ico", views.favicon, name="favicon"),
    # the town's mobile page
    path("m/", citizen.mobile_index, name="mobile"),
    path("m/agent/", field.agent_entry, name="agent"),
    path("m/observer/", field.observer_report, name="observer"),
    # the phone pages as a web app that keeps forms offline (offline.py)
    path("m/sw.js", offline.service_worker, name="service_worker"),
    path("m/csrf/", offline.csrf_token, name="csrf"),
    path("m/agent/manifest.webmanifest", offline.agent_manifest, name="agent_manifest"),
    path("m/agent/offline.json", offline.agent_reference, name="agent_reference"),
    path("m/observer/manifest.webmanifest", offline.observer_manifest, name="observer_manifest"),
    path("m/observer/offline.json", offline.observer_reference, name="observer_reference"),
    path("m/<str:town_code>/manifest.webmanifest", offline.citizen_manifest, name="manifest"),
    path("m/<str:town_code>/offline.json", offline.citizen_reference, name="reference"),
    path("m/<str:town_code>/", citizen.submit, name="submit"),
    path("m/<str:town_code>/done/<str:code>/", citizen.done, name="done"),
    path("m/<str:town_code>/place/", citizen.place, name="place"),
    path("m/<str:town_code>/track/", citizen.track, name="track"),
    path("m/<str:town_code>/track/<str:code>/photos/<int:pk>/", citizen.photo, name="photo"),
    path("m/<str:town_code>/track/<str:code>/", citizen.tracked, name="tracked"),
    path("m/<str:town_code>/track/<str:code>/evaluate/", citizen.evaluate, name="evaluate"),
    path("m/<str:town_code>/track/<str:code>/confirm/", citizen.confirm_phone, name="confirm_phone"),
    path("m/<str:town_code>/sign-in/", citizen.sign_in, name="sign_in"),
    path("m/<str:town_code>/sign-in/code/", citizen.verify, name="verify"),
    path("m/<str:town_code>/mine/", citizen.mine, name="mine"),
    path(
        "m/<str:town_code>/qr/<qrkind:kind>/<int:pk>.<qrfmt:fmt>",
        citizen.qr_code,
        name="qr",
    ),
    # the public board and the public pages of deputies and stations
    path("board/", public.board_index, name="board_index"),
    path("board/<str:town_code>/", public.board_page, name="board"),
    path("board/<str:town_code>/deputies/", public.deputies, name="deputies"),
    path("board/<str:town_code>/find/", public.find_deputy, name="find_deputy"),
    path("board/<str:town_code>/deputies/<int:pk>/", public.deputy_page, name="deputy"),
    path("board/<str:town_code>/stations/", public.stations, name="stations"),
]
