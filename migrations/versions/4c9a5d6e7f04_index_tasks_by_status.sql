-- Revision ID: 4c9a5d6e7f04
-- Revises: 3b8f4c5d6e03
-- Create Date: 2026-11-24 09:30:00
-- Message: index tasks by status and due date

-- migrate:up
CREATE INDEX ix_tasks_status_due ON tasks (status, due_date);

-- migrate:down
DROP INDEX ix_tasks_status_due;

-- MySQL names the table in DROP INDEX.
-- migrate:down mysql
DROP INDEX ix_tasks_status_due ON tasks;
