"""A bare Flask page: the yardstick for the application's throughput under the same gunicorn.

It renders a 50-row HTML table with a Jinja template (loaded and compiled once, as
Flask does for the application's templates) from a list held in memory: no
database, no session, no extensions.
"""
from flask import Flask, render_template
from jinja2 import DictLoader

TEMPLATE = """<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><title>{{ title }}</title></head>
<body>
<main>
<h1>{{ title }}</h1>
<table>
<thead><tr><th scope="col">Mã</th><th scope="col">Tiêu đề</th><th scope="col">Đơn vị</th><th scope="col">Trạng thái</th><th scope="col">Hạn</th></tr></thead>
<tbody>
{% for row in rows %}
<tr><td><a href="/cases/{{ row.reference }}">{{ row.reference }}</a></td><td>{{ row.title }}</td><td>{{ row.unit }}</td><td>{{ row.status }}</td><td>{{ row.due }}</td></tr>
{% endfor %}
</tbody>
</table>
</main>
</body>
</html>
"""

ROWS = [
    {"reference": f"2026-{n:06d}", "title": f"Phản ánh số {n} về hoàn thuế thu nhập cá nhân",
     "unit": "Cục Thuế TP HCM", "status": "Đang xử lý", "due": f"{1 + n % 28:02d}/12/2026"}
    for n in range(1, 51)
]

app = Flask(__name__)
app.jinja_loader = DictLoader({"bare.html": TEMPLATE})


@app.get("/")
def page():
    """The 50-row table."""
    return render_template("bare.html", title="Danh sách vụ việc", rows=ROWS)
