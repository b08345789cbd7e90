"""Qt-free services: engines, tasks, tables, images, models, storage. Never imports Qt."""
