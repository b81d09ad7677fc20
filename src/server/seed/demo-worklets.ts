import type { Database } from '../db/database.ts';
import type { Actor } from '../modules/auth/auth.guard.ts';
import { assignMentor, changeAssignment } from '../modules/worklets/assignments/assignments.usecases.ts';
import { createWorklet, setStudents } from '../modules/worklets/worklets.usecases.ts';
import type { demoData } from './demo-data.ts';
import type { Seeded } from './seed-database.ts';

type DemoIds = Seeded<typeof demoData>;

/**
 * A handful of worklets on the demo products, with student teams from the demo clients and both
 * demo mentors in different roles; a deactivation and a Primary handover leave some history.
 * Written through the use cases (as the demo staff member), so the history is what the app writes.
 */
export async function seedDemoWorklets(db: Database, ids: DemoIds) {
  const staff: Actor = { id: ids.users.staff, name: 'Sam Staff', email: 'staff@jobready.test', role: 'staff', clientId: null };
  const { mentorMaya: maya, mentorOmar: omar } = ids.users;
  await db.transaction(async (tx) => {
    const worklet = async (
      fields: {
        certId: string;
        title: string;
        description: string;
        status: 'draft' | 'ongoing' | 'completed';
        startDate: string;
        endDate: string;
      },
      productId: string,
      studentIds: string[],
    ) => {
      const { id } = await createWorklet(tx, { ...fields, productId });
      await setStudents(tx, id, studentIds, staff);
      return id;
    };

    const coachBot = await worklet(
      {
        certId: '25NWD01WT',
        title: 'Mock-interview coach bot',
        description: 'A chatbot that runs practice interviews and gives feedback on answers.',
        status: 'ongoing',
        startDate: '2026-01-12',
        endDate: '2026-02-20',
      },
      ids.products.interview,
      [ids.users.priya, ids.users.liam],
    );
    await assignMentor(tx, coachBot, { mentorId: maya, roleType: 'Primary', notes: 'Leads the weekly reviews.' }, staff);
    await assignMentor(tx, coachBot, { mentorId: omar, roleType: 'Secondary' }, staff);

    const portfolio = await worklet(
      {
        certId: '25NWD02WT',
        title: 'Career-fair portfolio site',
        description: 'One site presenting every team member’s projects to employers at the fair.',
        status: 'completed',
        startDate: '2025-10-06',
        endDate: '2025-11-28',
      },
      ids.products.career,
      [ids.users.amara, ids.users.priya],
    );
    await assignMentor(tx, portfolio, { mentorId: omar, roleType: 'Primary' }, staff);
    await assignMentor(tx, portfolio, { mentorId: maya, roleType: 'Collaborator', notes: 'Design feedback.' }, staff);

    const handbook = await worklet(
      {
        certId: '25CTS01WT',
        title: 'Remote onboarding handbook',
        description: 'A handbook for new hires joining fully remote teams.',
        status: 'ongoing',
        startDate: '2026-01-19',
        endDate: '2026-03-13',
      },
      ids.products.digital,
      [ids.users.diego, ids.users.hana, ids.users.noah],
    );
    await assignMentor(tx, handbook, { mentorId: maya, roleType: 'Primary' }, staff);
    await assignMentor(tx, handbook, { mentorId: omar, roleType: 'Secondary' }, staff);
    await changeAssignment(tx, handbook, omar, { isActive: false, reason: 'Moved to the Northwind cohort.' }, staff);

    const cvAssistant = await worklet(
      {
        certId: '25CTS02WT',
        title: 'CV review assistant',
        description: 'Checks a CV against a job advert and suggests improvements.',
        status: 'draft',
        startDate: '2026-03-02',
        endDate: '2026-04-10',
      },
      ids.products.career,
      [ids.users.noah],
    );
    await assignMentor(tx, cvAssistant, { mentorId: omar, roleType: 'Primary' }, staff);
    await assignMentor(tx, cvAssistant, { mentorId: maya, roleType: 'Primary', handover: true }, staff);
  });
}
