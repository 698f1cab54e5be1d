// The page the visitor is on, for the ticket: a person sees where they asked from.

export function pageInfo() {
  return {
    url: location.href,
    title: document.title,
    referrer: document.referrer,
    user_agent: navigator.userAgent,
    language: navigator.language || '',
  };
}
