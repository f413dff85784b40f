-- Revision ID: 3b8f4c5d6e03
-- Revises: 2a7e3b4c5d02
-- Create Date: 2026-11-24 09:20:00
-- Message: create tasks table

-- migrate:up
CREATE TABLE tasks (
    id INTEGER NOT NULL PRIMARY KEY,
    project_id INTEGER NOT NULL,
    assignee_id INTEGER,
    title VARCHAR(200) NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'todo',
    due_date DATE,
    CONSTRAINT fk_tasks_project FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE,
    CONSTRAINT fk_tasks_assignee FOREIGN KEY (assignee_id) REFERENCES users (id)
);

-- migrate:down
DROP TABLE tasks;
