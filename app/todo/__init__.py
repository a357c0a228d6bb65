"""The officers' to-do list (待办): one queue for everything that asks a person to act.

Features open items here (a phone page's "call me" request, a household's self-declaration,
a worker who did not answer a check-in, a layoff alert …) with ``open_item``; officers see
the items of their area on one page, oldest due first, and close each with what was done.
"""
