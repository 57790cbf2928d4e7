"""The mentoring core: entities, value objects, domain events and errors. Pure Python + attrs."""
