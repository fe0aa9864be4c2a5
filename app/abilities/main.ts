/*
|--------------------------------------------------------------------------
| Bouncer abilities
|--------------------------------------------------------------------------
|
| Everything is authorized through the policies in app/policies; this file
| exists because Bouncer expects an abilities module.
|
*/

export {}
