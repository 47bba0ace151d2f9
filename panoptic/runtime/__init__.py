"""Running the IR: the interpreter, the runner and its workers, events, values and secrets."""
