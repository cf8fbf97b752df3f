"""The grid and its stations are public: the citizen's pages and the map show them."""

from lianxin.core import scopes

from .models import BaseLayer, GridCell, Station

scopes.rule(GridCell)(scopes.public)
scopes.rule(Station)(scopes.public)

# The town's base map (roads and landmarks): drawn on the public find-my-deputy map too.
scopes.rule(BaseLayer)(scopes.public)
