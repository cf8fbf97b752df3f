import pytest

from lianxin.accounts.roles import ADMIN_ROLES, CAPABILITIES, Capability, Role, capabilities_of
from lianxin.accounts.scoping import towns_visible_to

from ..factories import TownFactory, UserFactory


def test_the_role_set_is_the_one_the_town_uses():
    assert set(Role.values) == {
        "citizen", "observer", "agent", "deputy", "department", "mediator", "presidium",
        "county_viewer", "system_admin", "security_admin", "audit_admin", "system",
    }  # fmt: skip
    assert set(CAPABILITIES) == set(Role.values), "every role has an entry in the capability table"


def test_only_the_presidium_sees_personal_data_unmasked():
    assert [r for r in Role if Capability.VIEW_PERSONAL_DATA in capabilities_of(r)] == [Role.PRESIDIUM]


def test_the_three_administrators_split_their_duties_and_read_no_cases():
    caps = [capabilities_of(r) for r in ADMIN_ROLES]
    assert all(not (a & b) for i, a in enumerate(caps) for b in caps[i + 1 :])
    for role in ADMIN_ROLES:
        assert Capability.VIEW_TOWN not in capabilities_of(role)
        assert Capability.VIEW_PERSONAL_DATA not in capabilities_of(role)


def test_deputies_claim_and_departments_handle():
    assert Capability.CLAIM_DEMAND in capabilities_of(Role.DEPUTY)
    assert Capability.CLAIM_DEMAND not in capabilities_of(Role.DEPARTMENT)
    assert Capability.HANDLE_ASSIGNMENT in capabilities_of(Role.DEPARTMENT)
    assert Capability.HANDLE_ASSIGNMENT not in capabilities_of(Role.DEPUTY)


@pytest.mark.django_db
def test_town_scope_follows_the_role():
    town = TownFactory()
    sibling = TownFactory(county=town.county)
    far = TownFactory()
    assert list(towns_visible_to(UserFactory(role=Role.DEPUTY, town=town))) == [town]
    viewer = UserFactory(role=Role.COUNTY_VIEWER, town=None, county=town.county)
    assert set(towns_visible_to(viewer)) == {town, sibling}
    assert far not in towns_visible_to(viewer)
    inactive = UserFactory(role=Role.PRESIDIUM, town=town, is_active=False)
    assert not towns_visible_to(inactive).exists()
    assert not UserFactory(role=Role.PRESIDIUM, town=town, is_active=False).can(Capability.SUPERVISE)
