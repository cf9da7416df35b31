"""Rules and writes of WRM; views, the API and the CLI only translate to and from these."""
