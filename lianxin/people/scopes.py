"""Deputies, their cells and duties, and departments are public; observers, agents and department staff
are read by the town's staff only."""

from lianxin.core import scopes

from . import models as m

for public in (m.Department, m.Deputy, m.DeputyCell, m.StationDuty):
    scopes.rule(public)(scopes.public)
for staff_only in (m.DepartmentStaff, m.Observer, m.Agent):
    scopes.rule(staff_only)(scopes.staff)
