-- Revision ID: 2a7e3b4c5d02
-- Revises: 1f0c0a1b2c01
-- Create Date: 2026-11-24 09:10:00
-- Message: create projects table

-- migrate:up
CREATE TABLE projects (
    id INTEGER NOT NULL PRIMARY KEY,
    owner_id INTEGER NOT NULL,
    name VARCHAR(200) NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT fk_projects_owner FOREIGN KEY (owner_id) REFERENCES users (id)
);

-- migrate:down
DROP TABLE projects;
