/*
| Audiences: signup_forms (issue 15). Routes arrive with the feature.
*/

export {}
