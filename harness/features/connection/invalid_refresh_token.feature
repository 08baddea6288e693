@article:invalid-refresh-token
Feature: An expired or revoked QuickBooks connection
  When the token endpoint answers invalid_grant, the connection is marked expired, every affected invoice
  shows "Invalid refresh token", and Caspen stops calling QuickBooks until someone reconnects in
  Settings → Integrations → QuickBooks. Retry then syncs the invoice.

  Background:
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Jo Citizen" with client id 4200042

  Scenario: The connection was revoked in QuickBooks
    Given the QuickBooks connection has been revoked
    And Caspen's access token has expired
    When I finalize an invoice for "Jo Citizen" of $120.00 with GST
    Then the QuickBooks status card shows "Invalid refresh token"
    And the status card offers Retry
    And the QuickBooks connection is marked expired
    When I finalize another invoice for "Jo Citizen" of $60.00 with GST
    Then that invoice's QuickBooks status card shows "Invalid refresh token"
    And Caspen made no further calls to QuickBooks
    When I disconnect and reconnect QuickBooks in Settings
    And I press Retry on the invoice's status card
    Then the invoice's QuickBooks status card shows "Synced"
    When I press Retry on that invoice's status card
    Then that invoice's QuickBooks status card shows "Synced"

  @needs:clock
  Scenario: The refresh token was not used for more than 100 days
    Given 101 days pass without Caspen talking to QuickBooks
    When I finalize an invoice for "Jo Citizen" of $120.00 with GST
    Then the QuickBooks status card shows "Invalid refresh token"
    When I disconnect and reconnect QuickBooks in Settings
    And I press Retry on the status card
    Then the QuickBooks status card shows "Synced"
