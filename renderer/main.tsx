// Entry: pick the transport, then render the app (or the access-link page in browser mode).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connect } from './api/connect';
import { Root } from './app';
import { createServices } from './app-context';
import './styles/base.css';
import './styles/controls.css';
import './styles/layout.css';
import './styles/chat.css';
import './styles/tasks.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');

const connection = connect();
const services = connection.kind === 'no-token' ? null : createServices(connection.client, connection.kind);

createRoot(container).render(
  <StrictMode>
    <Root connection={connection} services={services} />
  </StrictMode>,
);
