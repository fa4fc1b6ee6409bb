DROP TABLE workspace_models;
