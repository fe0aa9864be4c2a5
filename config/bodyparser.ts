import { defineConfig } from '@adonisjs/core/bodyparser'

const bodyParserConfig = defineConfig({
  allowedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],

  form: {
    convertEmptyStringsToNull: true,
    types: ['application/x-www-form-urlencoded'],
    // A field repeated per ticked box (clients on a page, tags, picked
    // recipients) stays a list up to 1,000 values; qs's default of 20 turned
    // a longer one into an object that every list validator refused.
    // parameterLimit (1,000 fields) still bounds the whole form.
    queryString: { arrayLimit: 1000 },
  },

  json: {
    convertEmptyStringsToNull: true,
    types: [
      'application/json',
      'application/json-patch+json',
      'application/vnd.api+json',
      'application/csp-report',
    ],
    // A bulk upsert of 1,000 clients with long comments is about 2.5 MB.
    limit: '5mb',
  },

  /**
   * Never processed here: app/middleware/multipart_middleware.ts reads
   * multipart bodies after the log-in check, writes files only for the
   * routes of config/uploads.ts (with their size limits) and removes them
   * when the request ends.
   */
  multipart: {
    autoProcess: false,
    convertEmptyStringsToNull: true,
    processManually: [],
    // The text fields of a form (a blog post's Markdown is the largest).
    fieldsLimit: '2mb',
    types: ['multipart/form-data'],
  },
})

export default bodyParserConfig
