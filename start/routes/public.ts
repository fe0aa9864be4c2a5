/*
| Public pages: the blog and its articles
*/

export {}
