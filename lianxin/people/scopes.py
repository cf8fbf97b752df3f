"""Deputies, their cells and duties, and departments are public; observers, agents and department staff
are read by the town's staff only."""

from lianxin.core import scopes

from . import models as m

for _model in (m.Department, m.Deputy, m.DeputyCell, m.StationDuty):
    scopes.rule(_model)(scopes.public)
for _model in (m.DepartmentStaff, m.Observer, m.Agent):
    scopes.rule(_model)(scopes.staff)
