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
