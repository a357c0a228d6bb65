"""Administrative areas of China (GB/T 2260): the national map, its loading and names
(``service``), the data file and its checks (``records``), and the one place resolver that
reads places as people write them (``resolver``). Shared domain service: see DESIGN.md."""
