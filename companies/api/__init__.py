"""REST API v1: declarative views over the same selectors, services and FilterSet as the
rest of the directory."""
