DROP TABLE widgets;
DROP TABLE invites;
DROP TABLE refresh_tokens;
DROP TABLE memberships;
DROP TABLE users;
DROP TABLE workspaces;
DROP TABLE server_secrets;
