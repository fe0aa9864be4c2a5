/*
| The admin panel (/admin): staff moderation, the blog editor, roles and the audit log
*/

export {}
