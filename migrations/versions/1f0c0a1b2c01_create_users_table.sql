-- Revision ID: 1f0c0a1b2c01
-- Revises:
-- Create Date: 2026-11-24 09:00:00
-- Message: create users table

-- migrate:up
CREATE TABLE users (
    id INTEGER NOT NULL PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    display_name VARCHAR(100),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT uq_users_email UNIQUE (email)
);

-- migrate:down
DROP TABLE users;
