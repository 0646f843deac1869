"""No tables yet: the models of this app arrive with its issue."""
