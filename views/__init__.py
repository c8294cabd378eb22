"""One screen per module; views reach the database only through the task runner."""
