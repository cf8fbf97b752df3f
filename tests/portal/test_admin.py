import pytest

from lianxin.accounts.roles import Role

from ..factories import DeputyFactory

pytestmark = pytest.mark.django_db


def test_admin_answers_in_chinese_with_the_town_models(client, demo_user):
    client.force_login(demo_user("presidium"))
    html = client.get("/admin/").content.decode()
    assert "人大代表" in html and "网格" in html and "民情观察员" in html
    html = client.get("/admin/people/deputy/").content.decode()
    assert "87" in html


def test_admin_lists_only_the_users_town(client, persona, town, other_town):
    from django.contrib.auth.models import Permission

    staff = persona(Role.PRESIDIUM, is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__in=["view_deputy", "change_deputy"]))
    mine = DeputyFactory(town=town)
    theirs = DeputyFactory(town=other_town)
    client.force_login(staff)
    html = client.get("/admin/people/deputy/").content.decode()
    assert mine.name in html and theirs.name not in html
    assert client.get(f"/admin/people/deputy/{theirs.pk}/change/").status_code == 404
    assert client.get(f"/admin/people/deputy/{mine.pk}/change/").status_code == 200


def test_presidium_edits_categories_and_the_holiday_table(client, demo_user):
    client.force_login(demo_user("presidium"))
    assert client.get("/admin/demands/category/").status_code == 200
    assert client.get("/admin/core/calendarday/add/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 403, (
        "accounts belong to the system administrator"
    )


def test_the_system_administrator_manages_accounts_without_reading_phones_or_cases(client, demo_user):
    from lianxin.accounts.models import User
    from lianxin.demands.models import Demand

    admin_user = demo_user("sysadmin")
    assert not admin_user.is_superuser
    client.force_login(admin_user)
    citizen = User.objects.get(username="citizen")
    User.objects.filter(pk=citizen.pk).update(phone="13912340000")
    page = client.get(f"/admin/accounts/user/{citizen.pk}/change/")
    assert page.status_code == 200 and "13912340000" not in page.content.decode()
    deputy = demo_user("deputy").deputy
    page = client.get(f"/admin/people/deputy/{deputy.pk}/change/").content.decode()
    assert deputy.phone not in page
    demand = Demand.objects.first()
    assert client.get(f"/admin/demands/demand/{demand.pk}/change/").status_code == 403
    assert client.get("/admin/notify/outboxmessage/").status_code == 403
    client.force_login(demo_user("presidium"))
    assert client.get(f"/admin/demands/demand/{demand.pk}/change/").status_code == 200


def test_inline_rows_offer_only_the_towns_cells_and_take_the_parents_town(client, persona, town, other_town):
    from django.contrib.auth.models import Permission

    from lianxin.people.models import DeputyCell

    from ..factories import GridCellFactory

    staff = persona(Role.PRESIDIUM, is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["people", "territory"]))
    mine, theirs = GridCellFactory(town=town), GridCellFactory(town=other_town)
    deputy = DeputyFactory(town=town)
    client.force_login(staff)
    offered = client.get(
        "/admin/autocomplete/",
        {"app_label": "people", "model_name": "deputycell", "field_name": "cell", "term": ""},
    ).json()["results"]
    assert [int(r["id"]) for r in offered] == [mine.pk]
    form = {
        "town": town.pk, "name": deputy.name, "gender": "M", "level": "township",
        "cell_links-TOTAL_FORMS": "1", "cell_links-INITIAL_FORMS": "0",
        "cell_links-0-cell": theirs.pk, "cell_links-0-voters": "10",
        "duties-TOTAL_FORMS": "0", "duties-INITIAL_FORMS": "0",
    }  # fmt: skip
    refused = client.post(f"/admin/people/deputy/{deputy.pk}/change/", form)
    assert refused.status_code == 200 and not DeputyCell.objects.filter(deputy=deputy).exists(), (
        "another town's cell is not a choice"
    )
    form["cell_links-0-cell"] = mine.pk
    assert client.post(f"/admin/people/deputy/{deputy.pk}/change/", form).status_code == 302
    assert DeputyCell.objects.get(deputy=deputy).town == town


def test_createsuperuser_makes_a_system_administrator(db):
    from lianxin.accounts.models import User

    user = User.objects.create_superuser("root", "root@example.org", "pw-12345!")
    assert user.role == "system_admin" and user.town is None
