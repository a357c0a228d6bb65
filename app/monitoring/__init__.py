"""Watching for return to poverty (防返贫监测): zero-employment households over time and
their clearing (零就业家庭动态清零), other departments' lists compared with the register,
households declaring for themselves, and each monitored household's plan with its exit
(一户一策).

Whatever needs an officer goes into the one to-do queue (``app.todo``); this package's
own pages (the clearing queue, the comparison reports, the household plan) link to it.
"""
