"""The grid and its stations are public: the citizen's pages and the map show them."""

from lianxin.core import scopes

from .models import GridCell, Station

scopes.rule(GridCell)(scopes.public)
scopes.rule(Station)(scopes.public)
