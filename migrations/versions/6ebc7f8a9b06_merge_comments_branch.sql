-- Revision ID: 6ebc7f8a9b06
-- Revises: 4c9a5d6e7f04, 5dab6e7f8a05
-- Create Date: 2026-11-24 09:50:00
-- Message: merge comments branch

-- migrate:up

-- migrate:down
