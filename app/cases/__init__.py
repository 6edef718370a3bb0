"""Cases: the lifecycle (the one state machine), who may do what (access), the queue,
work on the case page, files, duplicates, holding history and privacy."""
