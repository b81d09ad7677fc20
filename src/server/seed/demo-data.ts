import type { SeedSpec } from './seed-database.ts';

export const demoPassword = 'open-the-demo-door';

/** The small dataset a fresh install starts with, so every screen has something to show. */
export const demoData = {
  products: {
    interview: { name: 'Interview Ready', description: 'Mock interviews, answers that land, and follow-up.' },
    career: { name: 'Career Launchpad', description: 'CVs, portfolios and the first ninety days at work.' },
    digital: { name: 'Digital Workplace Skills', description: 'Collaboration tools, email etiquette and remote work.' },
  },
  clients: {
    northwind: { name: 'Northwind University', products: ['interview', 'career'] },
    contoso: { name: 'Contoso Institute of Technology', products: ['career', 'digital'] },
  },
  users: {
    admin: { email: 'admin@jobready.test', name: 'Ada Admin', role: 'admin', password: demoPassword },
    staff: { email: 'staff@jobready.test', name: 'Sam Staff', role: 'staff', password: demoPassword },
    mentorMaya: { email: 'maya.mentor@jobready.test', name: 'Maya Mentor', role: 'mentor', password: demoPassword },
    mentorOmar: { email: 'omar.mentor@jobready.test', name: 'Omar Mentor', role: 'mentor', password: demoPassword },
    priya: { email: 'priya@northwind.test', name: 'Priya Patel', role: 'student', password: demoPassword, client: 'northwind' },
    liam: { email: 'liam@northwind.test', name: 'Liam Chen', role: 'student', password: demoPassword, client: 'northwind' },
    amara: { email: 'amara@northwind.test', name: 'Amara Okafor', role: 'student', password: demoPassword, client: 'northwind' },
    diego: { email: 'diego@contoso.test', name: 'Diego Alvarez', role: 'student', password: demoPassword, client: 'contoso' },
    hana: { email: 'hana@contoso.test', name: 'Hana Suzuki', role: 'student', password: demoPassword, client: 'contoso' },
    noah: { email: 'noah@contoso.test', name: 'Noah Williams', role: 'student', password: demoPassword, client: 'contoso' },
  },
} satisfies SeedSpec;
