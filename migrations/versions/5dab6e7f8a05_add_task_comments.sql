-- Revision ID: 5dab6e7f8a05
-- Revises: 3b8f4c5d6e03
-- Create Date: 2026-11-24 09:40:00
-- Message: add task comments

-- A feature branch: developed next to the index above, merged in 6ebc7f8a9b06.
-- migrate:up
CREATE TABLE comments (
    id INTEGER NOT NULL PRIMARY KEY,
    task_id INTEGER NOT NULL,
    author_id INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT fk_comments_task FOREIGN KEY (task_id) REFERENCES tasks (id) ON DELETE CASCADE,
    CONSTRAINT fk_comments_author FOREIGN KEY (author_id) REFERENCES users (id)
);
CREATE INDEX ix_comments_task_id ON comments (task_id);

-- migrate:down
DROP TABLE comments;
