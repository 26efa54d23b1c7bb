"""Reports for people: SVG charts, the procurement decision memo and the fleet compliance
report (HTML and PDF), and exports of a replacement plan."""
