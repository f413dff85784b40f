-- Revision ID: 7fcd8a9bac07
-- Revises: 6ebc7f8a9b06
-- Create Date: 2026-11-24 10:00:00
-- Message: track when tasks change

-- Each database keeps updated_at fresh in its own way, so each gets its own section.
-- migrate:up
ALTER TABLE tasks ADD COLUMN updated_at TIMESTAMP;
CREATE TRIGGER tasks_touch_updated_at
AFTER UPDATE ON tasks
FOR EACH ROW WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE tasks SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;

-- migrate:down
DROP TRIGGER tasks_touch_updated_at;
ALTER TABLE tasks DROP COLUMN updated_at;

-- migrate:up postgresql
ALTER TABLE tasks ADD COLUMN updated_at TIMESTAMP;
CREATE FUNCTION tasks_touch_updated_at() RETURNS trigger AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER tasks_touch_updated_at BEFORE UPDATE ON tasks
FOR EACH ROW EXECUTE FUNCTION tasks_touch_updated_at();

-- migrate:down postgresql
DROP TRIGGER tasks_touch_updated_at ON tasks;
DROP FUNCTION tasks_touch_updated_at();
ALTER TABLE tasks DROP COLUMN updated_at;

-- migrate:up mysql
ALTER TABLE tasks ADD COLUMN updated_at TIMESTAMP NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP;

-- migrate:down mysql
ALTER TABLE tasks DROP COLUMN updated_at;
