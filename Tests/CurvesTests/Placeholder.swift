// Curves tests.
