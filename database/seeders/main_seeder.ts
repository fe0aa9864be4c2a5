import { readFile } from 'node:fs/promises'
import type { Actor } from '#actions/audit/record_workspace_event'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import { BaseSeeder } from '@adonisjs/lucid/seeders'
import User, { type Role } from '#models/user'
import Tenant from '#models/tenant'
import Membership from '#models/membership'
import type { WorkspaceRole } from '#teams/workspace_roles'
import Post from '#models/post'
import CreateUserWithTenant from '#actions/users/create_user_with_tenant'
import AddSendingDomain from '#actions/sending_domains/add_sending_domain'
import UpdateSenderIdentity from '#actions/workspaces/update_sender_identity'
import type Client from '#models/client'
import CreateClient from '#actions/clients/create_client'
import UnsubscribeClient from '#actions/clients/unsubscribe_client'
import SuppressAddress from '#actions/suppressions/suppress_address'
import CreateMessage from '#actions/messages/create_message'
import CreateMailing from '#actions/mailings/create_mailing'
import CreatePost from '#actions/posts/create_post'
import CreateTag from '#actions/tags/create_tag'
import SaveSegment from '#actions/segments/save_segment'
import CreateAttribute from '#actions/attributes/create_attribute'
import { addTagsToClients } from '#audiences/client_tags'
import { attributeDefinitionsOf } from '#audiences/attribute_definitions'
import { checkAttributeValues, applyAttributeChanges } from '#audiences/attribute_values'
import CreateSignupForm from '#actions/signup_forms/create_signup_form'
import { newSignupFormDefaults } from '#audiences/signup_forms'

interface DemoAccounts {
  password: string
  users: { role: Role; email: string; fullName: string; workspace: string }[]
  /** Colleagues in one workspace (a team), each with a workspace role. */
  team: { workspaceOf: string; members: { email: string; role: WorkspaceRole }[] }
}

const CLIENT_NAMES = [
  'Amélie Laurent',
  'Bruno Costa',
  'Chloé Martin',
  'David Okafor',
  'Elena Rossi',
  'Farid Haddad',
  'Greta Nilsson',
  'Hugo Bernard',
  'Ines Duarte',
  'Jonas Weber',
  'Keiko Tanaka',
  'Lina Haddad',
  'Marco Bianchi',
  'Nora Lindqvist',
  'Oscar Dubois',
  'Paula Moreau',
  'Quentin Roux',
  'Rosa Alves',
  'Samir Benali',
  'Tessa de Vries',
  'Ugo Ferrari',
  'Vera Novak',
  'Wim Jansen',
  'Yasmin Kaya',
]

const POSTS = [
  {
    title: 'Five subject lines your clients will actually open',
    excerpt: 'Short, specific, and about them: what we learned from a year of bakery newsletters.',
    body: '## Keep it short\n\nFewer than 50 characters survive most phone screens.\n\n## Say what is inside\n\n*"Fresh rye on Saturday"* beats *"Our news"* every time.',
  },
  {
    title: 'Weekly, monthly or once: choosing a rhythm',
    excerpt: 'A periodic mailing keeps you in mind without becoming noise.',
    body: 'A **weekly** mailing suits offers that change often; a **monthly** one suits news. Mailings sends both at the same local time, daylight saving included.',
  },
  {
    title: 'Why every message carries an unsubscribe link',
    excerpt: 'One click to leave is the law in many places, and it keeps your list healthy.',
    body: 'Mail programs show an *Unsubscribe* button thanks to the `List-Unsubscribe` header (RFC 8058). Clients who leave are skipped by every later run.',
  },
]

/**
 * Demo data for the quick start: one account per role, each with its own
 * workspace (listed in database/demo_accounts.json, which the quick start
 * also prints), a team of four in the demo owner's workspace (an editor, a
 * viewer and an admin join it); the demo owner's workspace gets clients, a message and a
 * weekly mailing, and the blog gets a few published articles. Runs again
 * harmlessly: what exists is left alone.
 */
export default class MainSeeder extends BaseSeeder {
  static environment = ['development']

  async run() {
    const demo: DemoAccounts = JSON.parse(
      await readFile(app.makePath('database/demo_accounts.json'), 'utf8')
    )

    for (const account of demo.users) {
      if (await User.findBy('email', account.email)) continue
      await CreateUserWithTenant.handle({
        fullName: account.fullName,
        email: account.email,
        password: demo.password,
        role: account.role,
        workspaceName: account.workspace,
        timeZone: 'Europe/Paris',
        verified: true,
      })
    }

    const owner = await User.findByOrFail('email', demo.team.workspaceOf)
    await this.#demoTeam(owner, demo.team.members)
    await this.#demoWorkspace(owner)
    await this.#demoAudiences(owner)
    await this.#demoSender(owner)
    await this.#demoSignupForm(owner)
    const writer = await User.findByOrFail('role', 'content_manager')
    await this.#demoPosts(writer)
  }

  /**
   * The owner's colleagues join their workspace (each keeps their own):
   * one of them is then in two workspaces, as the switcher shows.
   */
  async #demoTeam(owner: User, members: DemoAccounts['team']['members']) {
    for (const member of members) {
      const user = await User.findByOrFail('email', member.email)
      await Membership.updateOrCreate(
        { tenantId: owner.lastTenantId!, userId: user.id },
        { role: member.role }
      )
    }
  }

  async #demoWorkspace(owner: User) {
    const tenant = await Tenant.findOrFail(owner.lastTenantId)
    if (await tenant.related('clients').query().first()) return

    const clients = []
    for (const [index, fullName] of CLIENT_NAMES.entries()) {
      const email = `${fullName.split(' ')[0].toLowerCase()}.${index + 1}@example.com`
      const { client } = await CreateClient.handle(seedActor(owner), tenant, { email, fullName })
      clients.push(client)
    }
    await this.#demoSuppressions(tenant, clients)
    const message = await CreateMessage.handle(seedActor(owner), tenant, {
      subject: 'Fresh bread this weekend, {{ client.full_name }}',
      bodyText:
        'Hello {{ client.full_name }},\n\nOur rye and sourdough are back on Saturday morning.\n\nNo more mail from us: {{ unsubscribe_url }}',
      bodyHtml: null,
    })
    const firstRun = DateTime.now()
      .setZone(tenant.timeZone)
      .plus({ days: 1 })
      .set({ hour: 9, minute: 0, second: 0, millisecond: 0 })
    await CreateMailing.handle({
      actor: seedActor(owner),
      tenant,
      data: {
        name: 'Weekend specials',
        messageId: message.id,
        audience: 'all',
        periodicity: 'weekly',
        startAt: firstRun,
        endAt: firstRun.plus({ months: 3 }),
      },
    })
  }

  /**
   * Tags (two of them topics for the preference page) and three attributes
   * with values on the demo clients, so the client form, the list's tags
   * and segments have something to work with. Values go through the same
   * rule book as every write path.
   */
  async #demoAudiences(owner: User) {
    const tenant = await Tenant.findOrFail(owner.lastTenantId)
    if (await tenant.related('tags').query().first()) return

    const tags = {
      regulars: await CreateTag.handle(seedActor(owner), tenant, { name: 'Regulars' }),
      wholesale: await CreateTag.handle(seedActor(owner), tenant, { name: 'Wholesale' }),
      bread: await CreateTag.handle(seedActor(owner), tenant, {
        name: 'Bread news',
        isTopic: true,
        description: 'What comes out of the oven this week',
      }),
      pastry: await CreateTag.handle(seedActor(owner), tenant, {
        name: 'Pastry club',
        isTopic: true,
        description: 'Monthly pastry recipes and tastings',
      }),
    }
    await CreateAttribute.handle(seedActor(owner), tenant, {
      key: 'company',
      label: 'Company',
      type: 'text',
    })
    await CreateAttribute.handle(seedActor(owner), tenant, {
      key: 'plan',
      label: 'Plan',
      type: 'choice',
      choices: ['Retail', 'Café', 'Restaurant'],
    })
    await CreateAttribute.handle(seedActor(owner), tenant, {
      key: 'first_order',
      label: 'First order',
      type: 'date',
    })
    const definitions = await attributeDefinitionsOf(tenant.id)

    const clients = await tenant.related('clients').query().orderBy('id')
    const companies = ['Café Lumière', 'Trattoria Bianchi', 'Hotel Nord', 'Bistro 24']
    for (const [index, client] of clients.entries()) {
      const isBusiness = index % 4 === 0
      const { changes } = checkAttributeValues(definitions, {
        company: isBusiness ? companies[(index / 4) % companies.length] : null,
        plan: isBusiness ? (index % 8 === 0 ? 'café' : 'restaurant') : 'retail',
        first_order: DateTime.fromISO('2024-03-01')
          .plus({ days: index * 23 })
          .toISODate(),
      })
      client.attributes = applyAttributeChanges(client.attributes, changes)
      await client.save()
    }
    const ids = (pick: (index: number) => boolean) =>
      clients.filter((_, index) => pick(index)).map((client) => client.id)
    await addTagsToClients(
      [tags.regulars.id],
      ids((index) => index % 3 !== 2)
    )
    await addTagsToClients(
      [tags.wholesale.id],
      ids((index) => index % 4 === 0)
    )
    await addTagsToClients(
      [tags.bread.id],
      ids((index) => index % 2 === 0)
    )
    await addTagsToClients(
      [tags.pastry.id],
      ids((index) => index % 5 === 1)
    )

    // A segment and a monthly mailing to it: each run reaches whoever
    // matches then (the mailing page says how many match now).
    const segment = await SaveSegment.handle({
      actor: seedActor(owner),
      tenant,
      data: {
        name: 'Wholesale cafés and restaurants',
        definition: {
          match: 'all',
          conditions: [
            { field: 'tags', op: 'any', tagIds: [tags.wholesale.id] },
            { field: 'attribute', key: 'plan', op: 'neq', value: 'Retail' },
            { field: 'state', op: 'is', value: 'subscribed' },
          ],
        },
      },
    })
    const message = await CreateMessage.handle(seedActor(owner), tenant, {
      subject: 'Your wholesale order for next month, {{ client.full_name }}',
      bodyText:
        'Hello {{ client.full_name }} of {{ client.attributes.company }},\n\nNext month’s wholesale list is ready: reply to this mail to order.\n\nNo more mail from us: {{ unsubscribe_url }}',
      bodyHtml: null,
    })
    const firstRun = DateTime.now()
      .setZone(tenant.timeZone)
      .plus({ days: 3 })
      .set({ hour: 8, minute: 0, second: 0, millisecond: 0 })
    await CreateMailing.handle({
      actor: seedActor(owner),
      tenant,
      data: {
        name: 'Wholesale monthly',
        messageId: message.id,
        audience: 'segment',
        segmentId: segment.id,
        periodicity: 'monthly',
        startAt: firstRun,
        endAt: firstRun.plus({ months: 6 }),
      },
    })
  }

  /**
   * The demo workspace's sender, on a domain added but not verified (no one
   * can publish its records): Settings → Sending shows the records to
   * publish and explains that mail goes "via" meanwhile.
   */
  async #demoSender(owner: User) {
    const tenant = await Tenant.findOrFail(owner.lastTenantId)
    if (await tenant.related('sendingDomains').query().first()) return
    await UpdateSenderIdentity.handle(seedActor(owner), tenant, {
      senderName: tenant.name,
      senderEmail: 'news@bakery.example',
      replyTo: 'hello@bakery.example',
    })
    await AddSendingDomain.handle(seedActor(owner), tenant, 'bakery.example')
  }

  /**
   * A few entries on the suppression list, one per way an address gets
   * there, so the clients list shows its badges and the Suppressions page
   * has something to show.
   */
  async #demoSuppressions(tenant: Tenant, clients: Client[]) {
    await UnsubscribeClient.handle(clients[6])
    const entries = [
      {
        email: clients[1].email,
        reason: 'hard_bounce',
        source: 'smtp',
        detail: `550 5.1.1 <${clients[1].email}>: Recipient address rejected: User unknown`,
      },
      {
        email: clients[4].email,
        reason: 'complaint',
        source: 'arf',
        detail: 'Reported as spam (abuse feedback report)',
      },
      {
        email: 'former.customer@example.com',
        reason: 'manual',
        source: 'manual',
        detail: 'Asked by phone to receive no more mail',
      },
    ] as const
    for (const entry of entries) await SuppressAddress.handle({ tenantId: tenant.id, ...entry })
  }

  /**
   * A sign-up form for the bakery's site, with its default texts: its page
   * shows the hosted address and the snippet to try.
   */
  async #demoSignupForm(owner: User) {
    const tenant = await Tenant.findOrFail(owner.lastTenantId)
    if (await tenant.related('signupForms').query().first()) return
    const defaults = newSignupFormDefaults(tenant)
    await CreateSignupForm.handle({
      actor: seedActor(owner),
      tenant,
      data: {
        name: 'Bakery newsletter',
        title: 'Fresh bread news from Demo Bakery',
        intro: 'Our weekend specials, once a week. No spam, ever.',
        askName: true,
        tags: 'newsletter, website',
        consentText: defaults.consentText,
        successText: defaults.successText,
        confirmedText: defaults.confirmedText,
        confirmationSubject: defaults.confirmationSubject,
        confirmationBody: defaults.confirmationBody,
        enabled: true,
      },
    })
  }

  async #demoPosts(writer: User) {
    if (await Post.query().first()) return
    for (const [index, post] of POSTS.entries()) {
      await CreatePost.handle({
        actor: writer,
        data: { ...post, publishedAt: DateTime.now().minus({ days: POSTS.length - index }) },
      })
    }
  }
}

/**
 * The demo owner as the actor of the seeded changes (the workspace audit log
 * shows them as theirs, from no address).
 */
function seedActor(owner: User): Actor {
  return { user: owner, ip: null, userAgent: null }
}
