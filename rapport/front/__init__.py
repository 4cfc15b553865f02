"""The composition roots: the pages and commands that put the domain apps together.

The dashboard, the demo builder and the worker/scheduler commands need every domain app;
`core` must need none (a test says so). They live here, on top of both.
"""
