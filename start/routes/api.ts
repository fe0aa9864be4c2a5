/*
| The public API (/api/v1), its OpenAPI document and reference page
*/

export {}
