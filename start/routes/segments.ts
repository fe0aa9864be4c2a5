/*
| Audiences: segments (issue 15). Routes arrive with the feature.
*/

export {}
