import { useState, type FormEvent } from 'react';
import type { HealthCheckFound, SlotProposal, SlotView } from '../../../agent-core/protocol/local-api';
import { routeHref } from '../model/route';
import { slotUrl } from '../model/slot-facts';
import { formFromSlot } from '../model/spec-form';
import { agentActions } from '../stores/agent-actions';
import { useAgentStore, useSlot } from '../stores/agent-store';
import { deployActions, useDeployStore } from '../stores/deploy-store';
import { uiActions } from '../stores/ui-store';
import { DeploySteps } from './deploy-dialog';
import { ExternalLink } from './external-link';
import { Field } from './field';
import { SlotEditor } from './slot-editor-page';

type Stage =
  | { name: 'choose' }
  | { name: 'review'; proposal: SlotProposal }
  | { name: 'deploying'; slot: SlotView; health: HealthCheckFound | null };

/**
 * "New slot from a folder", as `berth-agent up` does it: the agent looks at a folder under a
 * source root and proposes a template; it opens in the slot editor; creating it deploys it at
 * once and keeps the first health-check path that answers.
 */
export function FolderSlotPage() {
  const [stage, setStage] = useState<Stage>({ name: 'choose' });
  if (stage.name === 'choose') return <ChooseFolder onProposal={(proposal) => setStage({ name: 'review', proposal })} />;
  if (stage.name === 'review') {
    return (
      <SlotEditor
        slot={null}
        initial={formFromSlot(stage.proposal)}
        title={`New slot from ${stage.proposal.source.path}`}
        submitLabel="Create and deploy"
        intro={<ProposalExplanation proposal={stage.proposal} />}
        onCreated={(slot) => {
          setStage({ name: 'deploying', slot, health: null });
          void deployAndFindHealthCheck(slot.id).then((health) => health && setStage({ name: 'deploying', slot: health.slot, health }));
        }}
      />
    );
  }
  return <DeployingSlot slot={stage.slot} health={stage.health} />;
}

async function deployAndFindHealthCheck(slotId: string): Promise<HealthCheckFound | null> {
  await deployActions.deploy(slotId, { promote: true, note: null });
  if (useDeployStore.getState().run?.outcome !== 'ready') return null;
  return (await uiActions.run(slotId, 'Finding the health check', () => agentActions.findHealthCheck(slotId), 'No health check was found')) ?? null;
}

function ChooseFolder({ onProposal }: { onProposal(proposal: SlotProposal): void }) {
  const live = useAgentStore((store) => store.live);
  const sourceRoots = useAgentStore((store) => store.state?.settings.sourceRoots ?? []);
  const slots = useAgentStore((store) => store.state?.slots ?? []);
  const [path, setPath] = useState(sourceRoots.length === 1 ? `${sourceRoots[0]}` : '');
  const [failure, setFailure] = useState<string | null>(null);
  const [existing, setExisting] = useState<SlotProposal | null>(null);
  const [looking, setLooking] = useState(false);
  const look = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setFailure(null);
    setExisting(null);
    setLooking(true);
    try {
      const proposal = await agentActions.proposeSlot({ path: path.trim() });
      if (proposal.existingSlotId === null) onProposal(proposal);
      else setExisting(proposal);
    } catch (error) {
      setFailure((error as Error).message);
    } finally {
      setLooking(false);
    }
  };
  const existingSlot = existing ? slots.find((slot) => slot.id === existing.existingSlotId) : undefined;
  return (
    <section className="page" aria-labelledby="folder-title">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <a href={routeHref({ view: 'slots' })}>Slots</a>
      </nav>
      <h1 id="folder-title">New slot from a folder</h1>
      <p className="muted">
        Berth looks for a Procfile, a Node.js or Python app, or a static site, and proposes a blue-green slot you can change before it is
        created. The same as <span className="mono">berth-agent up</span>.
      </p>
      <form className="form" onSubmit={(event) => void look(event)}>
        {failure ? (
          <div className="banner banner-danger" role="alert">
            <p className="pre-line">{failure}</p>
          </div>
        ) : null}
        {existing ? (
          <div className="banner banner-info" role="status">
            <p>
              This folder already has a slot: <a href={routeHref({ view: 'slot', slotId: existing.existingSlotId! })}>{existingSlot?.spec.name ?? existing.spec.name}</a>.
              Deploy it again to swap in the folder as it is now.
            </p>
            <button type="button" className="primary" onClick={() => uiActions.openDeployDialog(existing.existingSlotId!)}>
              Deploy {existingSlot?.spec.name ?? existing.spec.name}
            </button>
          </div>
        ) : null}
        <Field
          label="Folder"
          hint={
            sourceRoots.length > 0 ? (
              <>Under a source root: {sourceRoots.join(', ')}. </>
            ) : (
              <>
                No source roots yet: add the folder, or one above it, in <a href={routeHref({ view: 'settings' })}>Settings</a> first.
              </>
            )
          }
        >
          {(props) => <input {...props} className="mono" value={path} onChange={(event) => setPath(event.target.value)} required list="folder-roots" />}
        </Field>
        <datalist id="folder-roots">
          {sourceRoots.map((root) => (
            <option key={root} value={root} />
          ))}
        </datalist>
        <div className="button-row">
          <button type="submit" className="primary" disabled={!live || looking || path.trim() === ''}>
            {looking ? 'Looking…' : 'Look at the folder'}
          </button>
          <a className="button" href={routeHref({ view: 'slots' })}>
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}

function ProposalExplanation({ proposal }: { proposal: SlotProposal }) {
  return (
    <div className="banner banner-info" aria-label="What Berth found">
      <p>
        <strong>{KIND_LABELS[proposal.kind]}</strong>: the template below is what Berth proposes. Change anything before creating it.
      </p>
      <ul>
        {proposal.explanation.map((line) => (
          <li key={line}>{line}</li>
        ))}
        <li>The first deployment finds the health check: /healthz, /health or /, the first that answers.</li>
      </ul>
    </div>
  );
}

const KIND_LABELS: Record<SlotProposal['kind'], string> = {
  procfile: 'A Procfile app',
  node: 'A Node.js app',
  python: 'A Python app',
  static: 'A static site',
};

function DeployingSlot({ slot, health }: { slot: SlotView; health: HealthCheckFound | null }) {
  const run = useDeployStore((store) => (store.run?.slotId === slot.id ? store.run : null));
  const url = slotUrl(useSlot(slot.id) ?? slot);
  return (
    <section className="page" aria-labelledby="deploying-title">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <a href={routeHref({ view: 'slots' })}>Slots</a> <span aria-hidden="true">/</span>{' '}
        <a href={routeHref({ view: 'slot', slotId: slot.id })}>{slot.spec.name}</a>
      </nav>
      <h1 id="deploying-title">Deploying {slot.spec.name}</h1>
      {run ? <DeploySteps run={run} /> : null}
      {health ? (
        <p role="status" data-testid="health-check-found">
          {health.path === null
            ? 'None of /healthz, /health, / answered: the slot checks that its port accepts connections.'
            : `Health check: GET ${health.path} answered ${health.expectStatus}; the slot keeps checking it.`}
        </p>
      ) : null}
      {run?.outcome === 'ready' && url ? (
        <p>
          Live at <ExternalLink href={url}>{url}</ExternalLink>
        </p>
      ) : null}
      <div className="button-row">
        <a className="button primary" href={routeHref({ view: 'slot', slotId: slot.id })}>
          Open {slot.spec.name}
        </a>
      </div>
    </section>
  );
}
