"""Request and response bodies of the JSON API, as msgspec Structs, one module per area."""
